// Day-keyed buffer of touch plans packed into typed arrays. Calls and requests may precede
// their lead by months, so the call and request streams hold ~135 days of touches (over half a
// million for `large`); as objects they would churn the old generation, packed they cost ~20
// bytes each and no garbage.
import type { TouchPlan } from './plan';

const BITS = 6;
const MASK = (1 << BITS) - 1;
const CALL = 1 << 24;
const PHONE = 1 << 25;
const EMAIL = 1 << 26;
const UNIQUE = 1 << 27;

function pack(t: TouchPlan): number {
  // indices are ≥ -1 and small (catalog sizes); +1 keeps them non-negative
  let v = (t.ch + 1) | ((t.camp + 1) << BITS) | ((t.content + 1) << (2 * BITS)) | ((t.term + 1) << (3 * BITS));
  if (t.call) v |= CALL;
  if (t.phone) v |= PHONE;
  if (t.email) v |= EMAIL;
  if (t.unique) v |= UNIQUE;
  return v;
}

function unpack(at: number, client: number, v: number): TouchPlan {
  return {
    ch: (v & MASK) - 1,
    camp: ((v >> BITS) & MASK) - 1,
    content: ((v >> (2 * BITS)) & MASK) - 1,
    term: ((v >> (3 * BITS)) & MASK) - 1,
    at,
    client,
    call: (v & CALL) !== 0,
    phone: (v & PHONE) !== 0,
    email: (v & EMAIL) !== 0,
    unique: (v & UNIQUE) !== 0,
  };
}

class DayTouches {
  n = 0;
  at = new Float64Array(16);
  client = new Int32Array(16);
  bits = new Int32Array(16);

  push(t: TouchPlan): void {
    if (this.n === this.at.length) {
      const grow = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.at = grow(this.at, (n) => new Float64Array(n));
      this.client = grow(this.client, (n) => new Int32Array(n));
      this.bits = grow(this.bits, (n) => new Int32Array(n));
    }
    this.at[this.n] = t.at;
    this.client[this.n] = t.client;
    this.bits[this.n] = pack(t);
    this.n++;
  }

  /** the touches in time order (ties keep insertion order) */
  sorted(): TouchPlan[] {
    const order = Array.from({ length: this.n }, (_, i) => i);
    order.sort((a, b) => (this.at[a] ?? 0) - (this.at[b] ?? 0) || a - b);
    return order.map((i) => unpack(this.at[i] ?? 0, this.client[i] ?? 0, this.bits[i] ?? 0));
  }
}

export class TouchBuffer {
  private readonly days = new Map<number, DayTouches>();

  add(day: number, t: TouchPlan): void {
    let b = this.days.get(day);
    if (!b) {
      b = new DayTouches();
      this.days.set(day, b);
    }
    b.push(t);
  }

  /** the touches of `day` in time order, removed from the buffer */
  take(day: number): TouchPlan[] {
    const b = this.days.get(day);
    this.days.delete(day);
    return b ? b.sorted() : [];
  }
}
