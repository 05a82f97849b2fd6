import { isSignInError } from '@trellis/shared';
import { Suspense } from 'react';
import { SignInPage } from './accounts/SignInPage.tsx';
import { UserMenu } from './accounts/UserMenu.tsx';
import { useMe } from './api/accounts.ts';
import { ApiRequestError } from './api/client.ts';
import { preloadRunSnapshot } from './api/runSnapshot.ts';
import { useTeamStatus } from './api/team.ts';
import { PageErrorBoundary } from './PageErrorBoundary.tsx';
import { lazyPage, PageView } from './pages.tsx';
import { navigate, usePath } from './router.ts';

// Each page loads on demand: opening a run should not pay for React Flow, nor the canvas for the trace views.
const pages = {
  canvas: lazyPage(() => import('./canvas/CanvasPage.tsx').then((m) => m.CanvasPage)),
  compare: lazyPage(() => import('./replay/ComparePage.tsx').then((m) => m.ComparePage)),
  experiment: lazyPage(() => import('./experiments/ExperimentPage.tsx').then((m) => m.ExperimentPage)),
  experiments: lazyPage(() => import('./experiments/ExperimentsPage.tsx').then((m) => m.ExperimentsPage)),
  endpoints: lazyPage(() => import('./pages/EndpointsPage.tsx').then((m) => m.EndpointsPage)),
  optimisation: lazyPage(() => import('./optimiser/OptimisationPage.tsx').then((m) => m.OptimisationPage)),
  optimisations: lazyPage(() => import('./optimiser/OptimisationsPage.tsx').then((m) => m.OptimisationsPage)),
  playground: lazyPage(() => import('./pages/PlaygroundPage.tsx').then((m) => m.PlaygroundPage)),
  rescue: lazyPage(() => import('./replay/RescuePage.tsx').then((m) => m.RescuePage)),
  rescues: lazyPage(() => import('./replay/RescuesPage.tsx').then((m) => m.RescuesPage)),
  run: lazyPage(() => import('./runs/RunPage.tsx').then((m) => m.RunPage)),
  runs: lazyPage(() => import('./runs/RunsPage.tsx').then((m) => m.RunsPage)),
  search: lazyPage(() => import('./search/SearchPage.tsx').then((m) => m.SearchPage)),
  searches: lazyPage(() => import('./search/SearchesPage.tsx').then((m) => m.SearchesPage)),
  tasks: lazyPage(() => import('./tasks/TasksPage.tsx').then((m) => m.TasksPage)),
  tokens: lazyPage(() => import('./accounts/TokensPage.tsx').then((m) => m.TokensPage)),
  users: lazyPage(() => import('./accounts/UsersPage.tsx').then((m) => m.UsersPage)),
  workers: lazyPage(() => import('./team/WorkersPage.tsx').then((m) => m.WorkersPage)),
};

type Route =
  | { page: 'run'; runId: string }
  | { page: 'rescue'; rescueId: string }
  | { page: 'experiment'; experimentId: string }
  | { page: 'search'; searchId: string }
  | { page: 'optimisation'; optimisationId: string }
  | { page: Exclude<keyof typeof pages, 'run' | 'rescue' | 'experiment' | 'search' | 'optimisation'> };

function route(path: string): Route {
  if (path.startsWith('/playground')) return { page: 'playground' };
  if (path.startsWith('/canvas')) return { page: 'canvas' };
  const run = /^\/runs\/([^/]+)/.exec(path);
  if (run) return { page: 'run', runId: decodeURIComponent(run[1]!) };
  if (path.startsWith('/runs')) return { page: 'runs' };
  if (path.startsWith('/tasks')) return { page: 'tasks' };
  if (path.startsWith('/compare')) return { page: 'compare' };
  const rescue = /^\/rescues\/([^/]+)/.exec(path);
  if (rescue) return { page: 'rescue', rescueId: decodeURIComponent(rescue[1]!) };
  if (path.startsWith('/rescues')) return { page: 'rescues' };
  const experiment = /^\/experiments\/([^/]+)/.exec(path);
  if (experiment) return { page: 'experiment', experimentId: decodeURIComponent(experiment[1]!) };
  if (path.startsWith('/experiments')) return { page: 'experiments' };
  const search = /^\/searches\/([^/]+)/.exec(path);
  if (search) return { page: 'search', searchId: decodeURIComponent(search[1]!) };
  if (path.startsWith('/searches')) return { page: 'searches' };
  const optimisation = /^\/optimisations\/([^/]+)/.exec(path);
  if (optimisation) return { page: 'optimisation', optimisationId: decodeURIComponent(optimisation[1]!) };
  if (path.startsWith('/optimisations')) return { page: 'optimisations' };
  if (path.startsWith('/account/tokens')) return { page: 'tokens' };
  if (path.startsWith('/users')) return { page: 'users' };
  if (path.startsWith('/workers')) return { page: 'workers' };
  return { page: 'endpoints' };
}

/** How long the first render of a run page waits for the run's events, once its code is there. */
const SNAPSHOT_WAIT_MS = 300;

/**
 * Loads the code of the page at `path`, so the first render shows it at once instead of a fallback; for a run,
 * also its recorded events, so the page renders once with its trace rather than empty and then full.
 */
export function preloadPage(path: string): Promise<void> {
  const target = route(path);
  const code = pages[target.page].preload();
  if (target.page !== 'run') return code;
  return Promise.all([code, preloadRunSnapshot(target.runId, SNAPSHOT_WAIT_MS)]).then(() => undefined);
}

const NAV = [
  { path: '/canvas', label: 'Canvas' },
  { path: '/runs', label: 'Runs' },
  { path: '/rescues', label: 'Rescues' },
  { path: '/experiments', label: 'Experiments' },
  { path: '/searches', label: 'Searches' },
  { path: '/optimisations', label: 'Optimiser' },
  { path: '/tasks', label: 'Tasks' },
  { path: '/endpoints', label: 'Endpoints' },
  { path: '/playground', label: 'Playground' },
] as const;

/** Shown on a team server, whose runs execute on workers. */
const TEAM_NAV = { path: '/workers', label: 'Workers' } as const;

function Page({ path }: { path: string }) {
  const target = route(path);
  if (target.page === 'run') return <PageView page={pages.run} props={{ runId: target.runId }} />;
  if (target.page === 'rescue') return <PageView page={pages.rescue} props={{ rescueId: target.rescueId }} />;
  if (target.page === 'experiment')
    return <PageView page={pages.experiment} props={{ experimentId: target.experimentId }} />;
  if (target.page === 'search') return <PageView page={pages.search} props={{ searchId: target.searchId }} />;
  if (target.page === 'optimisation')
    return <PageView page={pages.optimisation} props={{ optimisationId: target.optimisationId }} />;
  return <PageView page={pages[target.page]} props={{}} />;
}

/**
 * Whether the server asks this browser to sign in (accounts mode, no session or one that ended), and why when it
 * is more than "not signed in yet". Any other error (single-user mode's access token, an unreachable server) is
 * left to the pages, as before.
 */
function signInNeeded(error: Error | null): { reason: string | null } | null {
  if (!(error instanceof ApiRequestError) || !isSignInError(error.status, error.code)) return null;
  return { reason: error.code === 'unauthenticated' ? null : error.message };
}

export function App() {
  const path = usePath();
  const me = useMe();
  const team = useTeamStatus();
  const nav = team.data?.execution === 'workers' ? [...NAV, TEAM_NAV] : NAV;
  const active = path === '/' ? '/endpoints' : path;
  const signIn = signInNeeded(me.error);
  if (signIn) return <SignInPage reason={signIn.reason} />;
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
          {nav.map((item) => (
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
        {me.data?.mode === 'accounts' ? <UserMenu user={me.data.user} /> : null}
      </header>
      <main className="content">
        <PageErrorBoundary path={active}>
          <Suspense fallback={<p className="muted page-loading">Loading…</p>}>
            <Page path={active} />
          </Suspense>
        </PageErrorBoundary>
      </main>
    </div>
  );
}
