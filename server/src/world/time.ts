/** World timestamps are ISO 8601 without a zone ("2024-05-18T09:30:00"), compared as strings. */
export function addDays(timestamp: string, days: number): string {
  const date = new Date(`${timestamp.length === 10 ? `${timestamp}T00:00:00` : timestamp}Z`);
  date.setUTCDate(date.getUTCDate() + days);
  const iso = date.toISOString().slice(0, 19);
  return timestamp.length === 10 ? iso.slice(0, 10) : iso;
}

export function addMinutes(timestamp: string, minutes: number): string {
  const date = new Date(`${timestamp}Z`);
  date.setUTCMinutes(date.getUTCMinutes() + minutes);
  return date.toISOString().slice(0, 19);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function monthName(month: number): string {
  return MONTHS[month - 1] ?? String(month);
}

/** "May 18, 2024" */
export function longDate(date: string): string {
  const [year, month, day] = date.slice(0, 10).split('-').map(Number);
  return `${monthName(month ?? 1)} ${day}, ${year}`;
}
