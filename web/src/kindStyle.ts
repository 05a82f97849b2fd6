import type { CSSProperties } from 'react';
import { KIND_COLORS } from './kindTable.ts';

/*
 * Node kinds' colours, from their specs to CSS. Each kind's colour is one custom property on the document root,
 * `--role-<kind>` (the trace calls kinds roles), set at startup; an element that shows a kind gets it as `--kind`,
 * the one variable the stylesheets style every kind through, deriving tints with `color-mix`. No stylesheet names
 * a kind.
 */

/** The root custom property that holds a kind's colour. */
export function kindColorProperty(kind: string): string {
  return `--role-${kind}`;
}

/** Puts every kind's colour on the document root; called once, before the first render. */
export function installKindColors(root: HTMLElement = document.documentElement): void {
  for (const [kind, color] of Object.entries(KIND_COLORS))
    root.style.setProperty(kindColorProperty(kind), color);
}

function isRegistered(kind: string): kind is keyof typeof KIND_COLORS {
  return Object.hasOwn(KIND_COLORS, kind);
}

/**
 * The style that gives an element its kind's colour as `--kind`. A kind no longer registered (read from an old
 * trace) is grey, set explicitly so that it never takes the colour of the element around it.
 */
export function kindStyle(kind: string): CSSProperties {
  const color = isRegistered(kind) ? `var(${kindColorProperty(kind)})` : 'var(--role-other)';
  return { '--kind': color } as CSSProperties;
}

/** A kind's colour as a value, for what cannot read CSS variables (the minimap's SVG); grey when unknown. */
export function kindColor(kind: string | undefined): string {
  return kind !== undefined && isRegistered(kind) ? KIND_COLORS[kind] : '#8a94a3';
}
