import { RunsPlaceholder } from '../pages/Placeholders.tsx';

export function RunsPage() {
  return <RunsPlaceholder />;
}
