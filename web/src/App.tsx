import { CanvasPage } from './canvas/CanvasPage.tsx';
import { EndpointsPage } from './pages/EndpointsPage.tsx';
import { PlaygroundPage } from './pages/PlaygroundPage.tsx';
import { navigate, usePath } from './router.ts';
import { RunPage } from './runs/RunPage.tsx';
import { RunsPage } from './runs/RunsPage.tsx';
import { TasksPage } from './tasks/TasksPage.tsx';

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
        <Page path={active} />
      </main>
    </div>
  );
}
