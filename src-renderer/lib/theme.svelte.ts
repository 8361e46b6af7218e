// The OS colour scheme (prefers-color-scheme), reactive, for chart colours.
import type { Scheme } from './charts';

const query = '(prefers-color-scheme: dark)';

class Theme {
  scheme = $state<Scheme>(typeof matchMedia === 'function' && matchMedia(query).matches ? 'dark' : 'light');

  /** Follows OS changes; returns the unsubscribe function (call from an effect). */
  listen(): () => void {
    const mq = matchMedia(query);
    const on = () => (this.scheme = mq.matches ? 'dark' : 'light');
    on();
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }
}

export const theme = new Theme();
