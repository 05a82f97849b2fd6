import { useQueryClient } from '@tanstack/react-query';
import type { LineageNode } from '@trellis/shared';
import { type ReactNode, useEffect } from 'react';
import { replayKeys, useLineage } from '../api/replay.ts';
import { useRun } from '../api/runs.ts';
import { navigate } from '../router.ts';
import { StatusBadge } from '../runs/StatusBadge.tsx';
import { ForkEditView } from './ForkEditView.tsx';
import { compareHref } from './links.ts';
import { Popover } from './Popover.tsx';
import './replay.css';

function RunLink({ id, children }: { id: string; children?: ReactNode }) {
  const href = `/runs/${encodeURIComponent(id)}`;
  return (
    <a
      href={href}
      onClick={(event) => {
        event.preventDefault();
        navigate(href);
      }}
    >
      {children ?? <code>{id}</code>}
    </a>
  );
}

function count(node: LineageNode): number {
  return 1 + node.children.reduce((n, child) => n + count(child), 0);
}

function TreeNode({ node, current }: { node: LineageNode; current: string }) {
  const here = node.runId === current;
  return (
    <li>
      <div className={`lineage-node${here ? ' is-current' : ''}`} aria-current={here ? 'page' : undefined}>
        <StatusBadge status={node.status} />
        {here ? <code>{node.runId}</code> : <RunLink id={node.runId} />}
        {node.forkStep !== null ? <span className="muted small">from step {node.forkStep}</span> : null}
        {here ? <span className="tpill">this run</span> : null}
        {node.parentRunId ? (
          <a
            className="small"
            href={compareHref(node.parentRunId, node.runId)}
            onClick={(event) => {
              event.preventDefault();
              navigate(compareHref(node.parentRunId!, node.runId));
            }}
          >
            compare with parent
          </a>
        ) : null}
        {node.summary.length > 0 ? (
          <span className="lineage-summary muted small" title={node.summary.join('\n')}>
            {node.summary[0]}
            {node.summary.length > 1 ? ` (+${node.summary.length - 1})` : ''}
          </span>
        ) : null}
      </div>
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((child) => (
            <TreeNode key={child.runId} node={child} current={current} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** The tree of forks a run belongs to, from its root; each run opens from here. */
export function LineageTreeView({ root, current }: { root: LineageNode; current: string }) {
  return (
    <ul className="lineage-tree" aria-label="Forks tree">
      <TreeNode node={root} current={current} />
    </ul>
  );
}

/**
 * Where a run came from, on the breadcrumb line: the parent it was forked from and at which step, its edit, and
 * the tree of forks it belongs to. Popovers open over the page, so the trace below never moves.
 */
export function LineageCrumbs({ runId }: { runId: string }) {
  const lineage = useLineage(runId);
  const status = useRun(runId).data?.status;
  const client = useQueryClient();
  // The tree shows this run's status too: read it again when the run's own status changes.
  useEffect(() => {
    if (status) void client.invalidateQueries({ queryKey: replayKeys.lineage(runId) });
  }, [status, client, runId]);
  if (!lineage.data) return null;
  const { lineage: own, root } = lineage.data;
  const size = count(root);
  const edit = own.edit?.summary ?? [];
  return (
    <span className="lineage-crumbs" data-testid="lineage">
      {own.parentRunId ? (
        <span className="lineage-parent">
          <span aria-hidden="true">↳</span> fork of <RunLink id={own.parentRunId} /> at step {own.forkStep}
          {own.rescueId ? (
            <>
              {' '}
              in{' '}
              <a
                href={`/rescues/${encodeURIComponent(own.rescueId)}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/rescues/${encodeURIComponent(own.rescueId!)}`);
                }}
              >
                a rescue
              </a>
            </>
          ) : null}
        </span>
      ) : null}
      {own.parentRunId ? (
        <Popover
          label="The fork's edit"
          className="lineage-popover"
          align="end"
          buttonClassName="link small lineage-edit-button"
          button={
            <>
              {edit[0] ?? 'no edit'}
              {edit.length > 1 ? ` (+${edit.length - 1})` : ''} ▾
            </>
          }
        >
          <ForkEditView edit={own.edit} findings={own.findings} />
        </Popover>
      ) : null}
      {own.parentRunId ? (
        <a
          href={compareHref(own.parentRunId, runId)}
          onClick={(event) => {
            event.preventDefault();
            navigate(compareHref(own.parentRunId!, runId));
          }}
        >
          Compare with parent
        </a>
      ) : null}
      {size > 1 ? (
        <Popover
          label="Forks tree"
          className="lineage-popover"
          align="end"
          buttonClassName="link small"
          button={`Forks tree (${size} runs) ▾`}
        >
          <LineageTreeView root={root} current={runId} />
        </Popover>
      ) : null}
    </span>
  );
}
