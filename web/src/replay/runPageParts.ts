/** What the run page loads after its first render: replay, fork and lineage (one chunk). */
export { LineageCrumbs } from './LineageCrumbs.tsx';
export { RunActions } from './RunActions.tsx';
