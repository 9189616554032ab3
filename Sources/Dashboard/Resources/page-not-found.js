// telemetry-bridge dashboard, the page for unknown paths.
import { h, setContent } from './dom.js';
import { appHref } from './url-state.js';
import { pageHeader } from './widgets.js';

export function notFoundPage() {
  return {
    name: 'notfound',
    async render(main) {
      setContent(main, pageHeader('Page not found'), h('p', null, h('a', { href: appHref('/'), 'data-nav': true }, 'Go to the fleet overview')));
    },
  };
}
