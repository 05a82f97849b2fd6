/**
 * One colour per arm (an experiment has at most 12), the same in every chart, bar and legend of its report.
 * Chosen apart from the outcome colours of the matrix (green, amber, red), so an arm never reads as a verdict.
 */
const ARM_COLORS = [
  '#2f6fdf',
  '#d9822b',
  '#7a4fc4',
  '#0f9fb0',
  '#c2418a',
  '#6b7f1f',
  '#8a5a3c',
  '#3d4f8a',
  '#e0a100',
  '#4c9a8e',
  '#a34d4d',
  '#5f6b7a',
] as const;

export function armColor(arm: number): string {
  return ARM_COLORS[((arm % ARM_COLORS.length) + ARM_COLORS.length) % ARM_COLORS.length]!;
}
