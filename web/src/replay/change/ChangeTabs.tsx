import type { Graph, GraphVersion } from '@trellis/shared';
import type { ReactNode } from 'react';
import { BindingsPanel } from './BindingsPanel.tsx';
import type { ChangeDraft } from './changeDraft.ts';
import { NodeSettingsPanel } from './NodeSettingsPanel.tsx';
import { VersionPanel } from './VersionPanel.tsx';

/** The kinds of change a fork or a rescue can make, each with its own panel. */
export type ChangeTab = 'settings' | 'bindings' | 'version';

/** The row of tabs over a change editor (a fork adds its own tab for the agent's reply). */
export function ChangeTabList<T extends string>({
  tabs,
  tab,
  onTab,
}: {
  tabs: { id: T; label: string }[];
  tab: T;
  onTab: (tab: T) => void;
}) {
  return (
    <div className="step-tabs" role="tablist" aria-label="What to change">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          className="step-tab"
          aria-selected={tab === t.id}
          onClick={() => onTab(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The panel of one kind of change, over the graph the change starts from (`base`) and the runs' own version. */
export function ChangePanel({
  tab,
  base,
  version,
  draft,
  onDraft,
  idPrefix,
}: {
  tab: ChangeTab;
  base: Graph | undefined;
  version: GraphVersion | undefined;
  draft: ChangeDraft;
  onDraft: (draft: ChangeDraft) => void;
  idPrefix: string;
}): ReactNode {
  if (!base || !version) return <p className="muted">Loading the graph…</p>;
  if (tab === 'settings') {
    return (
      <NodeSettingsPanel
        key={draft.versionId ?? 'run'}
        base={base}
        draft={draft}
        onDraft={onDraft}
        idPrefix={idPrefix}
      />
    );
  }
  if (tab === 'bindings') return <BindingsPanel base={base} draft={draft} onDraft={onDraft} />;
  return <VersionPanel current={version} draft={draft} onDraft={onDraft} />;
}
