/**
 * Servers that are not models: the scripted test server and its simulated small model. Both say so in the
 * `owned_by` of their `/v1/models` entries, and every place that shows a served model or a run's endpoint labels
 * them from these values, so nobody mistakes a test double's replies for a model's.
 */

/** `owned_by` of the scripted test server's models: canned replies. */
export const TEST_SERVER_OWNER = 'trellis-test-server';

/** `owned_by` of the simulated model's models: a seeded persona that plays a weak agent, not a model. */
export const SIMULATED_OWNER = 'trellis-simulated';

/** Model ids the simulated model serves start with this, e.g. `simulated-small`. */
export const SIMULATED_MODEL_PREFIX = 'simulated-';

/** A served model, as far as labelling needs it: its `owned_by` and/or its id. */
export interface ModelIdentity {
  ownedBy?: string | null | undefined;
  id?: string | null | undefined;
}

/** Whether a model is the simulated model, from its `owned_by` (preferred) or, when that is unknown, its id. */
export function isSimulatedModel(model: ModelIdentity | string | null | undefined): boolean {
  if (model === null || model === undefined) return false;
  if (typeof model === 'string') return model === SIMULATED_OWNER || model.startsWith(SIMULATED_MODEL_PREFIX);
  if (model.ownedBy) return model.ownedBy === SIMULATED_OWNER;
  return typeof model.id === 'string' && model.id.startsWith(SIMULATED_MODEL_PREFIX);
}

/** Whether a model is the scripted test server's (canned replies), from its `owned_by`. */
export function isScriptedTestModel(model: ModelIdentity | null | undefined): boolean {
  return model?.ownedBy === TEST_SERVER_OWNER;
}

/** Whether replies come from a test double (scripted or simulated) rather than a model. */
export function isTestDouble(model: ModelIdentity | null | undefined): boolean {
  return isScriptedTestModel(model) || isSimulatedModel(model ?? null);
}
