import { SIMULATED_MODEL_PREFIX } from '@trellis/shared';

/**
 * How often the simulated model makes each mistake, as probabilities per opportunity. Every draw is keyed by
 * (seed, task, step, what), so a run is repeatable; see docs/simulated-model.md for what each one does.
 */
export interface SimulatedRates {
  /** A work step's code misuses an API: a wrong argument name, a missing access token, one oversized page. */
  apiMisuse: number;
  /** After a failure, the agent fixes its own mistake from the error (a misuse, a guessed credential). */
  agentFix: number;
  /** After a failure, the agent resends the same failing code; twice in a row, it is stuck until its input changes. */
  repeat: number;
  /** A reply without a usable code block (prose only, or code in the wrong fence). */
  noCode: number;
  /** After a reply without code, the next has none either, until a reminder says so. */
  noCodeStreak: number;
  /** At a step before the work is done, the agent completes the task with a wrong answer. */
  premature: number;
  /** An access token or password it needs is not in its context: it guesses one instead of fetching it again. */
  artifactGuess: number;
  /** The summarizer leaves a credential or id out of its summary. */
  summaryDrop: number;
  /** The corrector fixes a mistake that the API docs in its request cover. */
  correctorFix: number;
}

export const RATE_NAMES = [
  'apiMisuse',
  'agentFix',
  'repeat',
  'noCode',
  'noCodeStreak',
  'premature',
  'artifactGuess',
  'summaryDrop',
  'correctorFix',
] as const satisfies readonly (keyof SimulatedRates)[];
export type RateName = (typeof RATE_NAMES)[number];

/** A simulated model: competence (rates, attention), serving speed and how much it writes. */
export interface SimulatedPreset {
  name: string;
  /** The model id it is served as: `simulated-<name>`. */
  model: string;
  description: string;
  rates: SimulatedRates;
  /**
   * What it can use from its prompt. A prompt up to `attentionTokens` is used in full; in a longer one only the
   * last `recentTokens` of the conversation (after the system prompt and the first user message) are, so a
   * credential read long ago is lost unless a summary brought it forward.
   */
  attentionTokens: number;
  recentTokens: number;
  /** Serving: time to first token for an empty prompt, prefill and decode speed. */
  ttftMs: number;
  prefillTokensPerSecond: number;
  tokensPerSecond: number;
  /** Longer thinking and explanations (a larger model spends more tokens per reply). */
  verbose: boolean;
  /** Prompts longer than this are refused with HTTP 400, as vLLM does. */
  maxModelLen: number;
}

function preset(p: Omit<SimulatedPreset, 'model'>): SimulatedPreset {
  return { ...p, model: `${SIMULATED_MODEL_PREFIX}${p.name}` };
}

/** The built-in presets: a small model that errs often and is fast, a large one that errs less and is slower. */
export const SIMULATED_PRESETS: Readonly<Record<string, SimulatedPreset>> = {
  small: preset({
    name: 'small',
    description: 'an 8B-class model: fast and cheap, loses credentials in long contexts, misuses APIs, loops',
    rates: {
      apiMisuse: 0.35,
      agentFix: 0.15,
      repeat: 0.5,
      noCode: 0.06,
      noCodeStreak: 0.75,
      premature: 0.03,
      artifactGuess: 0.85,
      summaryDrop: 0.4,
      correctorFix: 0.75,
    },
    attentionTokens: 6_000,
    recentTokens: 800,
    ttftMs: 120,
    prefillTokensPerSecond: 6_000,
    tokensPerSecond: 60,
    verbose: false,
    maxModelLen: 32_768,
  }),
  large: preset({
    name: 'large',
    description: 'a 32B-class model: errs less, but slower and spends more tokens per reply',
    rates: {
      apiMisuse: 0.2,
      agentFix: 0.4,
      repeat: 0.25,
      noCode: 0.02,
      noCodeStreak: 0.4,
      premature: 0.01,
      artifactGuess: 0.4,
      summaryDrop: 0.1,
      correctorFix: 0.95,
    },
    attentionTokens: 16_000,
    recentTokens: 4_000,
    ttftMs: 350,
    prefillTokensPerSecond: 2_500,
    tokensPerSecond: 22,
    verbose: true,
    maxModelLen: 32_768,
  }),
};

export const SIMULATED_PRESET_NAMES = Object.keys(SIMULATED_PRESETS);

/** A bad preset name or rate: the message is one line naming what was wrong and what is accepted. */
export class SimulatedConfigError extends Error {}

/** Presets by name, or an error naming the unknown one and the known ones. */
export function presetsByName(names: readonly string[]): SimulatedPreset[] {
  if (names.length === 0) throw new SimulatedConfigError('no simulated preset given');
  return names.map((name) => {
    const found = SIMULATED_PRESETS[name];
    if (!found) {
      throw new SimulatedConfigError(
        `unknown simulated preset '${name}'; expected one of ${SIMULATED_PRESET_NAMES.join(', ')}`,
      );
    }
    return found;
  });
}

/** Parses `name=value` rate overrides; a value outside [0, 1] or an unknown name is an error. */
export function parseRates(specs: readonly string[]): Partial<SimulatedRates> {
  const rates: Partial<SimulatedRates> = {};
  for (const spec of specs) {
    const [name, text, ...rest] = spec.split('=');
    if (!name || text === undefined || rest.length > 0) {
      throw new SimulatedConfigError(`--rate '${spec}' must look like name=value, e.g. apiMisuse=0.3`);
    }
    if (!(RATE_NAMES as readonly string[]).includes(name)) {
      throw new SimulatedConfigError(`unknown rate '${name}'; expected one of ${RATE_NAMES.join(', ')}`);
    }
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new SimulatedConfigError(`rate ${name}=${text} is out of range; a rate is a number from 0 to 1`);
    }
    rates[name as RateName] = value;
  }
  return rates;
}

/** A preset with some rates replaced (checked like the command line's). */
export function withRates(base: SimulatedPreset, overrides: Partial<SimulatedRates>): SimulatedPreset {
  for (const [name, value] of Object.entries(overrides)) {
    if (!(RATE_NAMES as readonly string[]).includes(name)) {
      throw new SimulatedConfigError(`unknown rate '${name}'; expected one of ${RATE_NAMES.join(', ')}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new SimulatedConfigError(`rate ${name}=${value} is out of range; a rate is a number from 0 to 1`);
    }
  }
  return { ...base, rates: { ...base.rates, ...overrides } };
}

/** Every rate at zero: a flawless agent (for tests that turn one failure mode on at a time). */
export const NO_MISTAKES: SimulatedRates = {
  apiMisuse: 0,
  agentFix: 0,
  repeat: 0,
  noCode: 0,
  noCodeStreak: 0,
  premature: 0,
  artifactGuess: 0,
  summaryDrop: 0,
  correctorFix: 0,
};
