/** One sample of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseValue(text: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
    case 'NaN':
      return Number.NaN;
    default:
      return Number(text);
  }
}

/** Reads `{a="x",b="y\"z"}` starting at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq === -1 || line[eq + 1] !== '"') return null;
    const name = line.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') {
        const next = line[j + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        j++;
      } else if (c === '"') {
        break;
      } else {
        value += c;
      }
    }
    if (j >= line.length) return null;
    labels[name] = value;
    i = j + 1;
  }
}

/** Parses Prometheus text format; comment lines and lines it cannot read are skipped. */
export function parsePrometheus(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.search(/\s/);
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace !== -1 && (space === -1 || brace < space)) {
      name = line.slice(0, brace);
      const parsed = parseLabels(line, brace);
      if (!parsed) continue;
      labels = parsed.labels;
      rest = line.slice(parsed.end).trim();
    } else {
      if (space === -1) continue;
      name = line.slice(0, space);
      rest = line.slice(space).trim();
    }
    const valueText = rest.split(/\s+/)[0] ?? '';
    const value = parseValue(valueText);
    if (valueText === '' || (Number.isNaN(value) && valueText !== 'NaN')) continue;
    samples.push({ name, labels, value });
  }
  return samples;
}

/**
 * The sum of a metric over its label sets (several engines or models), or null when absent. Counters are
 * found with or without the `_total` suffix the exposition format adds.
 */
export function metricSum(samples: PromSample[], name: string): number | null {
  let total: number | null = null;
  for (const sample of samples) {
    if (sample.name === name || sample.name === `${name}_total`) {
      if (!Number.isFinite(sample.value)) continue;
      total = (total ?? 0) + sample.value;
    }
  }
  return total;
}

/** The mean of a gauge over its label sets (e.g. KV-cache usage of several engines), or null when absent. */
export function metricMean(samples: PromSample[], name: string): number | null {
  let total = 0;
  let count = 0;
  for (const sample of samples) {
    if (sample.name === name && Number.isFinite(sample.value)) {
      total += sample.value;
      count++;
    }
  }
  return count === 0 ? null : total / count;
}
