import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { isSignInError } from '@trellis/shared';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, preloadPage } from './App.tsx';
import { accountKeys, meQuery } from './api/accounts.ts';
import { ApiRequestError } from './api/client.ts';
import { installKindColors } from './kindStyle.ts';
import './styles.css';

/** A request refused for want of a session (it expired, it was ended elsewhere): ask who is signed in again. */
function onError(error: Error) {
  if (error instanceof ApiRequestError && isSignInError(error.status, error.code)) {
    void queryClient.invalidateQueries({ queryKey: accountKeys.me });
  }
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // The answer to "who is signed in" is what the app shows the sign-in page from; asking again would loop.
      if (query.queryKey.join('/') !== accountKeys.me.join('/')) onError(error);
    },
  }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 2_000 } },
});

installKindColors();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const render = () =>
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
// A page whose code fails to load still renders: its lazy component then shows the error in place.
// Who is signed in is asked beside the page's code, so the first render knows whether to show the sign-in page.
Promise.all([preloadPage(window.location.pathname), queryClient.prefetchQuery(meQuery)]).then(render, render);
