import type { Rng } from '../random.ts';
import { insert, type WorldState } from '../state.ts';
import { addDays } from '../time.ts';
import { ALBUM_WORDS, ARTIST_WORDS, GENRES, SONG_WORDS } from './names.ts';
import { pastTime } from './util.ts';

export const PLAYLIST_TITLES = [
  'Road Trip',
  'Morning Run',
  'Focus Mode',
  'Sunday Chill',
  'Dinner Party',
  'Rainy Days',
  'Throwbacks',
  'Late Night Drive',
];

function seedCatalog(state: WorldState, rng: Rng): void {
  const names = new Set<string>();
  while (names.size < 12) names.add(`${rng.pick(ARTIST_WORDS.first)} ${rng.pick(ARTIST_WORDS.second)}`);
  for (const name of names) {
    const genre = rng.pick(GENRES);
    const artist = insert(state, 'music_artists', { name, genre, follower_count: rng.int(1200, 950000) });
    const albumNames = rng.sample(ALBUM_WORDS, 2);
    // Titles repeat across artists (as they do in real catalogs) but never within one artist's songs.
    const artistTitles = new Set<string>();
    for (const word of albumNames) {
      const release_date = addDays('2012-01-01', rng.int(0, 4200));
      const album = insert(state, 'music_albums', {
        title: `${rng.pick(SONG_WORDS.adjective)} ${word}`,
        artist_id: artist.id,
        genre,
        release_date,
      });
      const titles = new Set<string>();
      const size = rng.int(4, 6);
      while (titles.size < size) {
        const title = `${rng.pick(SONG_WORDS.adjective)} ${rng.pick(SONG_WORDS.noun)}`;
        if (artistTitles.has(title)) continue;
        artistTitles.add(title);
        titles.add(title);
      }
      for (const title of titles) {
        insert(state, 'music_songs', {
          title,
          artist_id: artist.id,
          album_id: album.id,
          genre,
          duration_seconds: rng.int(125, 415),
          release_date,
          play_count: rng.int(500, 2_500_000),
        });
      }
    }
  }
}

export function seedMusic(state: WorldState, rng: Rng): void {
  seedCatalog(state, rng);
  const owner = state.meta.supervisor;
  const songIds = state.tables.music_songs.map((song) => song.id);
  for (const song_id of rng.sample(songIds, 24)) {
    insert(state, 'music_likes', { owner, song_id, liked_at: pastTime(rng, state.meta.now, 300) });
  }
  for (const title of rng.sample(PLAYLIST_TITLES, 4)) {
    const created = pastTime(rng, state.meta.now, 200);
    insert(state, 'music_playlists', {
      owner,
      title,
      is_public: rng.chance(0.4),
      song_ids: rng.sample(songIds, rng.int(6, 12)),
      created_at: created,
      updated_at: created,
    });
  }
  for (let i = 0; i < 30; i++) {
    insert(state, 'music_plays', {
      owner,
      song_id: rng.pick(songIds),
      played_at: pastTime(rng, state.meta.now, 14),
    });
  }
}
