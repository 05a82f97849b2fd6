import type { Environment } from '../environments/types.ts';
import type { ForkParts, ForkRecipe } from '../runs/manager.ts';
import { EditedReplyModel } from './edited-reply.ts';
import { environmentFactory } from './environment.ts';
import { loadRecord, type RecordDeps } from './record.ts';
import { recordedPhases } from './recorded-model.ts';

/**
 * A fork's in-memory parts from its recipe: the parent's recorded steps before the fork step, the edited reply
 * that answers that step, and where its actions run. The fork service builds the same parts when it starts a
 * fork in its own process; a worker builds them here from the store.
 */
export async function forkParts(
  deps: RecordDeps,
  builtin: () => Environment,
  recipe: ForkRecipe,
): Promise<ForkParts> {
  const record = await loadRecord(deps, recipe.parentRunId);
  const reply = recipe.reply;
  return {
    prefix: recordedPhases(record, { untilStep: recipe.step, strict: false }),
    wrapModel: reply === null ? undefined : (live) => new EditedReplyModel(live, recipe.step, reply),
    environment: environmentFactory(recipe.environment, builtin),
  };
}
