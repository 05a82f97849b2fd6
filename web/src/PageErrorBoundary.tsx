import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * Keeps one page's failure (its code did not load, a render threw) from blanking the whole app: the page says
 * what went wrong and offers a reload, and the navigation stays usable. Reset when the path changes.
 */
export class PageErrorBoundary extends Component<{ path: string; children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(previous: { path: string }) {
    if (previous.path !== this.props.path && this.state.error) this.setState({ error: null });
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="page">
        <div className="banner banner-error" role="alert">
          <strong>This page failed to load</strong>
          <span>{error.message || String(error)}</span>
        </div>
        <p>
          <button type="button" onClick={() => window.location.reload()}>
            Reload
          </button>
        </p>
      </section>
    );
  }
}
