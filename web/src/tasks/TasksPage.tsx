import { TasksPlaceholder } from '../pages/Placeholders.tsx';

export function TasksPage() {
  return <TasksPlaceholder />;
}
