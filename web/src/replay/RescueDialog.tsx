import { useQuery } from '@tanstack/react-query';
import { RESCUE_FROM, type RescueQuery, type RescueRequest } from '@trellis/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { fetchGraphVersion, graphKeys } from '../api/graphs.ts';
import { useStartRescue } from '../api/replay.ts';
import { navigate } from '../router.ts';
import { ChangeReview } from './change/ChangeReview.tsx';
import { ChangePanel, type ChangeTab, ChangeTabList } from './change/ChangeTabs.tsx';
import { changeOf, EMPTY_DRAFT } from './change/changeDraft.ts';
import { ErrorDetails } from './ForkDialog.tsx';
import './replay.css';

type Tab = ChangeTab;

const TABS: { id: Tab; label: string }[] = [
  { id: 'version', label: 'Graph version' },
  { id: 'settings', label: 'Node settings' },
  { id: 'bindings', label: 'Endpoints & models' },
];

const FROM_LABEL: Record<(typeof RESCUE_FROM)[number], string> = {
  start: 'From the first step',
  before_first_failure: 'From the step before each run’s first failure',
};

/** Which runs a rescue takes: the ones selected, or every failed run the Runs page's filters match. */
export type RescueSelection = { runIds: string[] } | { query: RescueQuery; description: string };

function useVersion(id: string | null) {
  return useQuery({
    queryKey: graphKeys.version(id ?? ''),
    queryFn: () => fetchGraphVersion(id!),
    enabled: id !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Starts a rescue: the selected failed runs re-run under one change (another graph version, node settings, or
 * endpoints and models), from their start or from the step before each one's first failure, a bounded number at a
 * time. Opens the rescue's page, which follows its progress.
 */
export default function RescueDialog({
  selection,
  baseVersionId,
  onClose,
}: {
  selection: RescueSelection;
  /** The graph version of a run in the selection: the change is edited against it. */
  baseVersionId: string;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [tab, setTab] = useState<Tab>('version');
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [from, setFrom] = useState<(typeof RESCUE_FROM)[number]>('before_first_failure');
  const [concurrency, setConcurrency] = useState(4);
  const [name, setName] = useState('');
  const start = useStartRescue();
  const runVersion = useVersion(baseVersionId);
  const chosen = useVersion(draft.versionId);
  const base = draft.versionId ? chosen.data?.graph : runVersion.data?.graph;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const submit = () => {
    if (!base) return;
    const body: RescueRequest = {
      ...('runIds' in selection ? { runIds: selection.runIds } : { query: selection.query }),
      change: changeOf(base, draft),
      from,
      concurrency,
      ...(name.trim() ? { name: name.trim() } : {}),
    };
    start.mutate(body, {
      onSuccess: (rescue) => {
        dialog.current?.close();
        navigate(`/rescues/${encodeURIComponent(rescue.id)}`);
      },
    });
  };

  const what =
    'runIds' in selection
      ? `The ${selection.runIds.length} selected run${selection.runIds.length === 1 ? '' : 's'}, re-run under one change`
      : `Every failed run matching ${selection.description}, re-run under one change`;
  return (
    <dialog ref={dialog} className="fork-dialog rescue-dialog" aria-labelledby={titleId} onClose={onClose}>
      <header className="fork-head">
        <h2 id={titleId}>Rescue failed runs</h2>
        <span className="muted">{what}</span>
        <button
          type="button"
          className="ghost small push-end"
          aria-label="Close"
          onClick={() => dialog.current?.close()}
        >
          ✕
        </button>
      </header>
      <div className="fork-step-row rescue-options">
        <fieldset className="reply-modes">
          <legend className="field-label">Re-run each</legend>
          {RESCUE_FROM.map((value) => (
            <label key={value} className="check">
              <input
                type="radio"
                name="rescue-from"
                checked={from === value}
                onChange={() => setFrom(value)}
              />
              {FROM_LABEL[value]}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span className="field-label">At a time</span>
          <input
            type="number"
            min={1}
            max={32}
            value={concurrency}
            onChange={(event) => setConcurrency(Math.min(32, Math.max(1, Number(event.target.value) || 1)))}
          />
        </label>
        <label className="field rescue-name">
          <span className="field-label">Name</span>
          <input
            value={name}
            placeholder="optional"
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
      </div>
      <div className="fork-body">
        <div className="fork-edit">
          <ChangeTabList tabs={TABS} tab={tab} onTab={setTab} />
          <div className="fork-panel" role="tabpanel" aria-label={TABS.find((t) => t.id === tab)?.label}>
            {runVersion.error ? <ErrorDetails error={runVersion.error} /> : null}
            <ChangePanel
              tab={tab}
              base={base}
              version={runVersion.data}
              draft={draft}
              onDraft={setDraft}
              idPrefix="rescue"
            />
          </div>
        </div>
        {base && runVersion.data ? (
          <ChangeReview
            runGraph={runVersion.data.graph}
            base={base}
            draft={draft}
            emptyText="No change yet: the runs are re-run as they were (useful only to measure how often they fail again)."
          />
        ) : null}
      </div>
      <footer className="fork-foot">
        {start.error ? <ErrorDetails error={start.error} /> : null}
        <button type="button" className="ghost push-end" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!base || start.isPending} onClick={submit}>
          {start.isPending ? 'Starting…' : 'Start rescue'}
        </button>
      </footer>
    </dialog>
  );
}
