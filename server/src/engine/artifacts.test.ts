import { describe, expect, it } from 'vitest';
import { checkArtifacts, collectArtifacts } from './artifacts.ts';

describe('artifacts', () => {
  it('finds tokens, passwords, emails, ids and the values the agent passed', () => {
    const found = collectArtifacts([
      {
        code: 'token = apis.notes.login(username="ann@example.com", password="s3cr3t-pw")',
        observation: '{"access_token": "tok_9f8e7d", "token_type": "Bearer"}',
      },
      { code: 'apis.notes.show_note(note_id=1042)', observation: '{"note_id": 1042, "title": "Groceries"}' },
    ]);
    expect(found).toEqual(expect.arrayContaining(['ann@example.com', 's3cr3t-pw', 'tok_9f8e7d', '1042']));
  });

  it('tells which artifacts a summary kept verbatim', () => {
    expect(checkArtifacts('Logged in with tok_9f8e7d.', ['tok_9f8e7d', 'ann@example.com'])).toEqual({
      kept: ['tok_9f8e7d'],
      lost: ['ann@example.com'],
    });
  });
});
