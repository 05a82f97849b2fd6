import { CanvasPlaceholder } from '../pages/Placeholders.tsx';

export function CanvasPage() {
  return <CanvasPlaceholder />;
}
