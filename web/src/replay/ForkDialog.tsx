import { useQuery } from '@tanstack/react-query';
import type { ForkRequest, RunDetail } from '@trellis/shared';
import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { ApiRequestError } from '../api/client.ts';
import { fetchGraphVersion, graphKeys } from '../api/graphs.ts';
import { useFork } from '../api/replay.ts';
import { navigate } from '../router.ts';
import type { RunView } from '../runs/runView.ts';
import { ChangeReview } from './change/ChangeReview.tsx';
import { ChangePanel, type ChangeTab, ChangeTabList } from './change/ChangeTabs.tsx';
import { changeOf, EMPTY_DRAFT } from './change/changeDraft.ts';
import { LineDiffView } from './LineDiffView.tsx';
import { recordedReply } from './recordedReply.ts';
import './replay.css';

const CodeEditor = lazy(() => import('./CodeEditor.tsx'));

type Tab = 'reply' | ChangeTab;
type ReplyMode = 'none' | 'code' | 'reply';

function useVersion(id: string | null) {
  return useQuery({
    queryKey: graphKeys.version(id ?? ''),
    queryFn: () => fetchGraphVersion(id!),
    enabled: id !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Each issue the server located in the request, else its message. */
export function ErrorDetails({ error }: { error: Error }) {
  const issues =
    error instanceof ApiRequestError &&
    error.details &&
    typeof error.details === 'object' &&
    Array.isArray((error.details as { issues?: unknown }).issues)
      ? ((error.details as { issues: { path?: unknown[]; message: string }[] }).issues ?? [])
      : [];
  return (
    <div className="run-error" role="alert">
      <p className="error-text">{error.message}</p>
      {issues.length > 0 ? (
        <ul className="error-text">
          {issues.map((issue) => (
            <li key={`${issue.path?.join('.')}:${issue.message}`}>
              {issue.path?.length ? <code>{issue.path.join('.')}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ReplyPanel({
  view,
  step,
  mode,
  text,
  onMode,
  onText,
}: {
  view: RunView;
  step: number;
  mode: ReplyMode;
  text: string;
  onMode: (mode: ReplyMode) => void;
  onText: (text: string) => void;
}) {
  const recorded = recordedReply(view, step);
  if (!recorded) return <p className="muted">Step {step} has no agent reply to edit.</p>;
  return (
    <div className="reply-panel">
      <fieldset className="reply-modes">
        <legend className="field-label">The agent at step {step}</legend>
        {(
          [
            ['none', 'Calls its model live'],
            ['code', 'Runs this code (its recorded reply, code replaced)'],
            ['reply', 'Replies with this text (no model call)'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="check">
            <input type="radio" name="reply-mode" checked={mode === value} onChange={() => onMode(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      {mode === 'none' ? null : (
        <Suspense fallback={<p className="muted">Loading the editor…</p>}>
          <CodeEditor
            key={`${step}:${mode}`}
            value={text}
            language={mode === 'code' ? 'python' : 'plaintext'}
            label={mode === 'code' ? `Agent's code at step ${step}` : `Agent's reply at step ${step}`}
            onChange={onText}
          />
        </Suspense>
      )}
    </div>
  );
}

const TABS: { id: Tab; label: string }[] = [
  { id: 'reply', label: "Agent's reply" },
  { id: 'settings', label: 'Node settings' },
  { id: 'bindings', label: 'Endpoints & models' },
  { id: 'version', label: 'Graph version' },
];

/**
 * Forks a run at a step with an edit: the agent's reply or code there, any node's settings and prompts, any
 * node's endpoint and model, or another graph version. Shows the edit as a diff before starting, then opens the
 * fork, which runs live.
 */
export default function ForkDialog({
  run,
  view,
  initialStep,
  lastStep,
  onClose,
}: {
  run: RunDetail;
  view: RunView;
  initialStep: number;
  /** The last step the fork can start at. */
  lastStep: number;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [step, setStep] = useState(initialStep);
  const [tab, setTab] = useState<Tab>('reply');
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [mode, setMode] = useState<ReplyMode>('none');
  const [text, setText] = useState('');
  const fork = useFork(run.id);
  const runVersion = useVersion(run.graphVersionId);
  const chosen = useVersion(draft.versionId);
  const base = draft.versionId ? chosen.data?.graph : runVersion.data?.graph;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const recorded = recordedReply(view, step);
  const original = mode === 'code' ? recorded?.code : recorded?.text;
  const replyEdited = mode !== 'none' && recorded !== null && text !== original;
  const chooseMode = (next: ReplyMode) => {
    setMode(next);
    setText(next === 'code' ? (recorded?.code ?? '') : (recorded?.text ?? ''));
  };
  const chooseStep = (next: number) => {
    setStep(next);
    setMode('none');
  };

  const start = () => {
    if (!base) return;
    const body: ForkRequest = {
      step,
      change: changeOf(base, draft),
      ...(replyEdited ? (mode === 'code' ? { code: text } : { reply: text }) : {}),
    };
    fork.mutate(body, {
      onSuccess: (result) => {
        dialog.current?.close();
        navigate(`/runs/${encodeURIComponent(result.run.id)}`);
      },
    });
  };

  const steps = Array.from({ length: lastStep }, (_, i) => i + 1);
  return (
    <dialog ref={dialog} className="fork-dialog" aria-labelledby={titleId} onClose={onClose}>
      <header className="fork-head">
        <h2 id={titleId}>Fork run</h2>
        <code className="muted">{run.id}</code>
        <button
          type="button"
          className="ghost small push-end"
          aria-label="Close"
          onClick={() => dialog.current?.close()}
        >
          ✕
        </button>
      </header>
      <div className="fork-step-row">
        <label className="field">
          <span className="field-label">Run live from</span>
          <select value={step} onChange={(event) => chooseStep(Number(event.target.value))}>
            {steps.map((s) => (
              <option key={s} value={s}>
                Step {s}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">
          {step > 1
            ? `Steps 1–${step - 1} are rebuilt from the record: no model is called, and the environment and the Python session are rebuilt by re-running their actions. `
            : 'Nothing is taken from the record: the fork runs every step live. '}
          From step {step} on, the fork calls its models live with the edit.
        </p>
      </div>
      <div className="fork-body">
        <div className="fork-edit">
          <ChangeTabList tabs={TABS} tab={tab} onTab={setTab} />
          <div className="fork-panel" role="tabpanel" aria-label={TABS.find((t) => t.id === tab)?.label}>
            {runVersion.error ? <ErrorDetails error={runVersion.error} /> : null}
            {tab === 'reply' ? (
              <ReplyPanel
                view={view}
                step={step}
                mode={mode}
                text={text}
                onMode={chooseMode}
                onText={setText}
              />
            ) : (
              <ChangePanel
                tab={tab}
                base={base}
                version={runVersion.data}
                draft={draft}
                onDraft={setDraft}
                idPrefix="fork"
              />
            )}
          </div>
        </div>
        {base && runVersion.data ? (
          <ChangeReview
            runGraph={runVersion.data.graph}
            base={base}
            draft={draft}
            emptyText={`No edit yet: the fork runs the same graph live from step ${step}.`}
            extra={
              replyEdited && original !== undefined ? (
                <li className="review-item">
                  <span className="review-line">
                    step {step} agent {mode === 'code' ? 'code' : 'reply'}: replaced
                  </span>
                  <LineDiffView before={original} after={text} label={`Agent's ${mode} at step ${step}`} />
                </li>
              ) : null
            }
          />
        ) : null}
      </div>
      <footer className="fork-foot">
        {fork.error ? <ErrorDetails error={fork.error} /> : null}
        <button type="button" className="ghost push-end" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!base || fork.isPending} onClick={start}>
          {fork.isPending ? 'Starting…' : `Start fork from step ${step}`}
        </button>
      </footer>
    </dialog>
  );
}
