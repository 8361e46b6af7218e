// Hash routes (`#/reports`): addressable screens without a server or history API.
export const ROUTES = ['dashboard', 'reports', 'visits', 'health', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export function parseRoute(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'dashboard';
}

export function routeHref(r: Route): string {
  return `#/${r}`;
}

class Router {
  route = $state<Route>(parseRoute(typeof location === 'undefined' ? '' : location.hash));

  /** Follows `hashchange`; returns the unsubscribe function (call from an effect). */
  listen(): () => void {
    const on = () => (this.route = parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }

  /** Goes to a screen; `section`: the id of a heading there to scroll to (`#/settings/costs-title`). */
  go(r: Route, section?: string): void {
    location.hash = section ? `${routeHref(r)}/${section}` : routeHref(r);
  }

  /** The section asked for in the address, if any. */
  section(): string | null {
    const rest = location.hash.replace(/^#\/?[^/?]*\/?/, '');
    return /^[a-z][a-z0-9-]*$/.test(rest) ? rest : null;
  }
}

export const router = new Router();
