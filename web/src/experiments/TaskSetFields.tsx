import type { WorldDifficulty, WorldSplit, WorldTaskSummary } from '@trellis/shared';
import { ALL_DIFFICULTIES, matchingTasks, type TaskSetDraft, unknownTaskIds } from './experimentDraft.ts';
import { count } from './format.ts';

const DIFFICULTY_HINT: Record<WorldDifficulty, string> = {
  1: 'one app',
  2: 'pagination or two apps',
  3: 'several apps',
};

/**
 * Which tasks: filters (split, difficulty, apps) or ids named outright, with how many tasks that is. With `split`
 * fixed (searches and optimisations read the dev split only) the split is stated, not chosen, and ids of another
 * split are flagged.
 */
export function TaskSetFields({
  value,
  onChange,
  tasks,
  apps,
  split,
}: {
  value: TaskSetDraft;
  onChange: (value: TaskSetDraft) => void;
  /** Every built-in task; undefined while loading. */
  tasks: WorldTaskSummary[] | undefined;
  apps: string[];
  /** The one split allowed, and why, in a few words. */
  split?: { split: WorldSplit; why: string } | undefined;
}) {
  const set = (change: Partial<TaskSetDraft>) => onChange({ ...value, ...change });
  const toggle = <T,>(list: readonly T[], item: T): T[] =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
  const inSplit = (t: WorldTaskSummary) => !split || t.split === split.split;
  const matched = tasks
    ? matchingTasks(tasks, split ? { ...value, split: split.split } : value).filter(inSplit).length
    : null;
  const unknown = tasks && value.mode === 'ids' ? unknownTaskIds(tasks, value.ids) : [];
  const otherSplit =
    tasks && split && value.mode === 'ids'
      ? matchingTasks(tasks, value)
          .filter((t) => !inSplit(t))
          .map((t) => t.id)
      : [];
  return (
    <fieldset className="form-section task-set">
      <legend>Tasks</legend>
      <div className="segmented" role="radiogroup" aria-label="Choose tasks by">
        {(['filter', 'ids'] as const).map((mode) => (
          <label key={mode} className={value.mode === mode ? 'is-selected' : ''}>
            <input
              type="radio"
              name="task-mode"
              checked={value.mode === mode}
              onChange={() => set({ mode })}
            />
            {mode === 'filter' ? 'By filters' : 'By task ids'}
          </label>
        ))}
      </div>
      {value.mode === 'filter' ? (
        <div className="task-filters-grid">
          {split ? (
            <div className="field">
              <span className="field-label">Split</span>
              <strong className="fixed-split" data-testid="fixed-split" title={split.why}>
                {split.split} only
              </strong>
            </div>
          ) : (
            <label className="field">
              <span className="field-label">Split</span>
              <select
                value={value.split ?? ''}
                onChange={(event) =>
                  set({ split: event.target.value === '' ? null : (event.target.value as WorldSplit) })
                }
              >
                <option value="">All splits</option>
                <option value="dev">dev</option>
                <option value="test">test</option>
              </select>
            </label>
          )}
          <fieldset className="field check-group">
            <legend className="field-label">Difficulty</legend>
            <div className="check-row">
              {ALL_DIFFICULTIES.map((d) => (
                <label key={d} className="check" title={DIFFICULTY_HINT[d]}>
                  <input
                    type="checkbox"
                    checked={value.difficulty.includes(d)}
                    onChange={() => set({ difficulty: toggle(value.difficulty, d) })}
                  />
                  {d}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="field check-group apps-group">
            <legend className="field-label">
              Apps <span className="muted small">(tasks using any ticked app; none ticked: every app)</span>
            </legend>
            <div className="app-chips">
              {apps.map((app) => (
                <label key={app} className={`app-chip${value.apps.includes(app) ? ' is-selected' : ''}`}>
                  <input
                    type="checkbox"
                    checked={value.apps.includes(app)}
                    onChange={() => set({ apps: toggle(value.apps, app) })}
                  />
                  {app}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
      ) : (
        <label className="field">
          <span className="field-label">Task ids</span>
          <textarea
            rows={3}
            value={value.ids}
            placeholder="One per line, or separated by commas or spaces"
            onChange={(event) => set({ ids: event.target.value })}
          />
          {otherSplit.length > 0 ? (
            <span className="field-error">
              Not a {split?.split} task: {otherSplit.slice(0, 8).join(', ')}
              {otherSplit.length > 8 ? ` and ${otherSplit.length - 8} more` : ''}
            </span>
          ) : null}
          {unknown.length > 0 ? (
            <span className="field-error">
              Not a built-in task: {unknown.slice(0, 8).join(', ')}
              {unknown.length > 8 ? ` and ${unknown.length - 8} more` : ''}
            </span>
          ) : null}
        </label>
      )}
      <p className="small muted" data-testid="task-count">
        {matched === null
          ? 'Counting tasks…'
          : `${count(matched, split ? `${split.split} task` : 'task')} in this set`}
        {split ? ` — ${split.why}.` : ''}
      </p>
    </fieldset>
  );
}
