import { lazy, Suspense } from 'react';
import { navigate, usePath } from './router.ts';

// Each page loads on demand: opening a run should not pay for React Flow, nor the canvas for the trace views.
const CanvasPage = lazy(() => import('./canvas/CanvasPage.tsx').then((m) => ({ default: m.CanvasPage })));
const EndpointsPage = lazy(() =>
  import('./pages/EndpointsPage.tsx').then((m) => ({ default: m.EndpointsPage })),
);
const PlaygroundPage = lazy(() =>
  import('./pages/PlaygroundPage.tsx').then((m) => ({ default: m.PlaygroundPage })),
);
const RunPage = lazy(() => import('./runs/RunPage.tsx').then((m) => ({ default: m.RunPage })));
const RunsPage = lazy(() => import('./runs/RunsPage.tsx').then((m) => ({ default: m.RunsPage })));
const TasksPage = lazy(() => import('./tasks/TasksPage.tsx').then((m) => ({ default: m.TasksPage })));

const NAV = [
  { path: '/canvas', label: 'Canvas' },
  { path: '/runs', label: 'Runs' },
  { path: '/tasks', label: 'Tasks' },
  { path: '/endpoints', label: 'Endpoints' },
  { path: '/playground', label: 'Playground' },
] as const;

function Page({ path }: { path: string }) {
  if (path.startsWith('/playground')) return <PlaygroundPage />;
  if (path.startsWith('/canvas')) return <CanvasPage />;
  const run = /^\/runs\/([^/]+)/.exec(path);
  if (run) return <RunPage runId={decodeURIComponent(run[1]!)} />;
  if (path.startsWith('/runs')) return <RunsPage />;
  if (path.startsWith('/tasks')) return <TasksPage />;
  return <EndpointsPage />;
}

export function App() {
  const path = usePath();
  const active = path === '/' ? '/endpoints' : path;
  return (
    <div className="shell">
      <header className="topbar">
        <a
          className="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate('/endpoints');
          }}
        >
          <span className="brand-mark" aria-hidden="true">
            ▦
          </span>
          Trellis
        </a>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <a
              key={item.path}
              href={item.path}
              aria-current={active.startsWith(item.path) ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(item.path);
              }}
            >
              {item.label}
            </a>
          ))}
        </nav>
      </header>
      <main className="content">
        <Suspense fallback={<p className="muted page-loading">Loading…</p>}>
          <Page path={active} />
        </Suspense>
      </main>
    </div>
  );
}
