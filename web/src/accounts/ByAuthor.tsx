import type { Author } from '@trellis/shared';
import './accounts.css';

/** " · by <name>" after a record's date on a team server; nothing in single-user mode, where no record has one. */
export function ByAuthor({ author }: { author: Author | null | undefined }) {
  if (!author) return null;
  return <span className="author"> · by {author.name}</span>;
}
