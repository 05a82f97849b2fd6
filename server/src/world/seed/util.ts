import type { Rng } from '../random.ts';
import { addDays, addMinutes } from '../time.ts';

/** A moment between `maxDays` days before `now` and an hour before it, on a whole minute. */
export function pastTime(rng: Rng, now: string, maxDays: number): string {
  return addMinutes(addDays(now, -rng.int(0, maxDays)), -rng.int(60, 60 * 14));
}

/** A date between `fromDays` and `toDays` days from `now` (negative is the past). */
export function dayAround(rng: Rng, now: string, fromDays: number, toDays: number): string {
  return addDays(now.slice(0, 10), rng.int(fromDays, toDays));
}

const LETTERS = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

export function password(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += rng.pick([...LETTERS]);
  for (let i = 0; i < 2; i++) out += rng.pick([...DIGITS]);
  return rng.shuffle([...out]).join('') + rng.pick(['!', '#', '%', '&', '*', '+']);
}
