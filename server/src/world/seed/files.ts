import type { Rng } from '../random.ts';
import { insert, type WorldState } from '../state.ts';
import { pastTime } from './util.ts';

export const STORES = [
  'Brightmart',
  'Corner Grocer',
  'Pine Hardware',
  'Lark Pharmacy',
  'Harbor Books',
  'Cedar Cafe',
];

export function receiptText(store: string, date: string, total: number): string {
  return `Store: ${store}\nDate: ${date}\nTotal: $${total.toFixed(2)}\nThank you for shopping with us.`;
}

export function seedFiles(state: WorldState, rng: Rng): void {
  const owner = state.meta.supervisor;
  const add = (path: string, content: string) => {
    const created = pastTime(rng, state.meta.now, 300);
    insert(state, 'files', { owner, path, content, created_at: created, updated_at: created });
  };
  add('/documents/resume.md', '# Resume\n\nExperienced project lead with a love of tidy spreadsheets.');
  add(
    '/documents/passport.txt',
    `Passport number: P${rng.int(10000000, 99999999)}\nExpires: ${rng.int(2027, 2033)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}`,
  );
  add(
    '/documents/lease.txt',
    `Lease start: 2023-0${rng.int(1, 9)}-01\nMonthly rent: $${rng.int(9, 20) * 100}`,
  );
  add('/documents/car/insurance.txt', `Policy: CAR-${rng.int(100000, 999999)}\nRenewal due: next spring`);
  add('/work/reports/q1.md', '# Q1 report\n\nRevenue up, costs flat.');
  add('/work/reports/q2.md', '# Q2 report\n\nTwo launches, one delay.');
  add('/work/notes/standup.txt', 'Blockers: none. Next: release checklist.');
  for (let i = 1; i <= rng.int(4, 7); i++)
    add(`/photos/trip_${String(i).padStart(2, '0')}.jpg`, `[image ${rng.int(1000, 9999)}]`);
  for (let i = 0; i < 4; i++) {
    const lastYear = Number(state.meta.now.slice(0, 4)) - 1;
    const store = rng.pick(STORES);
    const date = `${lastYear}-${String(rng.int(1, 12)).padStart(2, '0')}-1${i}`;
    add(
      `/receipts/archive/${store.toLowerCase().replace(/ /g, '_')}_${i}.txt`,
      receiptText(store, date, rng.money(4, 90)),
    );
  }
}
