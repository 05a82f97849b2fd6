import { type ComponentType, createElement, type LazyExoticComponent, lazy } from 'react';

/**
 * A page loaded on demand, which can also be loaded ahead of the first render. React shows a Suspense fallback
 * for a lazy component even when its code arrives a moment later, and React 19 then holds the real page back
 * for up to 300 ms so fallbacks do not flicker; the page the app opens on is therefore loaded before the first
 * render and rendered directly.
 */
export interface Page<P extends object> {
  Lazy: LazyExoticComponent<ComponentType<P>>;
  /** The page's component once its code has loaded. */
  loaded: ComponentType<P> | null;
  preload(): Promise<void>;
}

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): Page<P> {
  let pending: Promise<ComponentType<P>> | null = null;
  const page: Page<P> = {
    Lazy: lazy(() => fetchPage().then((component) => ({ default: component }))),
    loaded: null,
    preload: () => fetchPage().then(() => undefined),
  };
  function fetchPage() {
    pending ??= load().then((component) => {
      page.loaded = component;
      return component;
    });
    return pending;
  }
  return page;
}

/** Renders a page: directly when its code is loaded, else through its lazy component. */
export function PageView<P extends object>({ page, props }: { page: Page<P>; props: P }) {
  return createElement(page.loaded ?? page.Lazy, props);
}
