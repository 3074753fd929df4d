import type { Memory, MemoryId } from '../../memory/types.js';

/*
 * A small life in memory: eight people with notes and encounters, a loose note and a
 * profile, and 20 questions with the memory each should retrieve (by fixture key).
 */

interface PersonSpec {
  key: string;
  name: string;
  notes: Record<string, string>;
  met: { key: string; place: string; day: string; context?: string };
}

const PEOPLE: PersonSpec[] = [
  {
    key: 'ana',
    name: 'Ana Lima',
    notes: {
      drones: 'Works on drones at Skyworks.',
      mia: 'Her daughter is called Mia and is seven.',
      climbing: 'Loves rock climbing at weekends.',
    },
    met: { key: 'met', place: 'the robotics meetup', day: '2026-03-03', context: 'talked about drone batteries' },
  },
  {
    key: 'bob',
    name: 'Bob Stone',
    notes: { bakery: 'Runs the bakery on Elm Street.', peanuts: 'Allergic to peanuts.' },
    met: { key: 'met', place: 'the Elm Street bakery', day: '2026-02-10' },
  },
  {
    key: 'chen',
    name: 'Chen Wei',
    notes: { piano: 'Teaches piano at the music school.', berlin: 'Moving to Berlin in June.' },
    met: { key: 'met', place: 'the concert hall', day: '2026-01-20', context: 'after the Brahms recital' },
  },
  {
    key: 'dana',
    name: 'Dana Okafor',
    notes: { nurse: "Nurse at the children's hospital.", marathon: 'Training for the city marathon in October.' },
    met: { key: 'met', place: 'the Saturday park run', day: '2026-02-28' },
  },
  {
    key: 'elif',
    name: 'Elif Yilmaz',
    notes: { db: 'Software engineer working on databases.', cats: 'Has two cats named Pixel and Byte.' },
    met: { key: 'met', place: 'the PGConf conference', day: '2025-11-14', context: 'gave a talk on query planning' },
  },
  {
    key: 'farid',
    name: 'Farid Haddad',
    notes: { shop: 'Owns the bike repair shop by the station.', gears: 'Fixed the gears on my bike last spring.' },
    met: { key: 'met', place: 'the bike repair shop', day: '2025-04-02' },
  },
  {
    key: 'grace',
    name: 'Grace Kim',
    notes: { dentist: 'My dentist at the Riverside clinic.', toothbrush: 'Recommended an electric toothbrush with a soft head.' },
    met: { key: 'met', place: 'the Riverside dental clinic', day: '2026-01-08' },
  },
  {
    key: 'hugo',
    name: 'Hugo Martin',
    notes: { flat: 'Neighbour who lives in flat 4B.', trumpet: 'Plays the trumpet on Sunday mornings.' },
    met: { key: 'met', place: 'the stairwell', day: '2025-09-01', context: 'he had just moved in' },
  },
];

export interface Fixture {
  ids: Record<string, MemoryId>;
  people: Record<string, number>;
}

export function seedFixture(memory: Memory): Fixture {
  const ids: Record<string, MemoryId> = {};
  const people: Record<string, number> = {};
  memory.profile.set({ name: 'Sam', domains: ['robotics'], length: 'short' });
  for (const p of PEOPLE) {
    const person = memory.people.create(p.name);
    people[p.key] = person.id;
    for (const [k, text] of Object.entries(p.notes)) ids[`${p.key}.${k}`] = `note:${memory.notes.add({ personId: person.id, text }).id}`;
    const e = memory.encounters.start(person.id, {
      source: 'face',
      place: p.met.place,
      context: p.met.context,
      at: Date.parse(`${p.met.day}T18:00:00Z`),
    });
    ids[`${p.key}.${p.met.key}`] = `encounter:${e.id}`;
  }
  ids['loose.parking'] =
    `note:${memory.notes.add({ personId: null, text: 'My parking spot at the office is number 42, level minus two.' }).id}`;
  return { ids, people };
}

export interface Question {
  q: string;
  expect: string;
  inView?: string;
}

export const QUESTIONS: Question[] = [
  { q: 'Where did I meet Ana?', expect: 'ana.met' },
  { q: 'What does Ana work on?', expect: 'ana.drones' },
  { q: "What's the name of Ana's daughter?", expect: 'ana.mia' },
  { q: 'Who runs the bakery?', expect: 'bob.bakery' },
  { q: 'Is Bob allergic to anything?', expect: 'bob.peanuts' },
  { q: 'Who teaches piano?', expect: 'chen.piano' },
  { q: 'When is Chen moving to Berlin?', expect: 'chen.berlin' },
  { q: 'Who is training for a marathon?', expect: 'dana.marathon' },
  { q: 'Which of my friends is a nurse?', expect: 'dana.nurse' },
  { q: "What are the names of Elif's cats?", expect: 'elif.cats' },
  { q: 'Who works on databases?', expect: 'elif.db' },
  { q: 'Who can fix my bike?', expect: 'farid.shop' },
  { q: 'Who is my dentist?', expect: 'grace.dentist' },
  { q: 'Which toothbrush was recommended to me?', expect: 'grace.toothbrush' },
  { q: 'Who plays the trumpet?', expect: 'hugo.trumpet' },
  { q: 'Which flat does Hugo live in?', expect: 'hugo.flat' },
  { q: 'Where is my parking spot?', expect: 'loose.parking' },
  { q: 'What does she like to do at weekends?', expect: 'ana.climbing', inView: 'ana' },
  { q: 'Where did I meet him?', expect: 'bob.met', inView: 'bob' },
  { q: 'Who did I meet at the conference?', expect: 'elif.met' },
];

/** Paraphrases with (almost) no word in common with the memory that answers them: what vectors are for. */
export const PARAPHRASES: Question[] = [
  { q: 'Who makes bread in town?', expect: 'bob.bakery' },
  { q: 'Which of them flies quadcopters?', expect: 'ana.drones' },
  { q: 'Who looks after sick kids?', expect: 'dana.nurse' },
  { q: 'Who is relocating to Germany?', expect: 'chen.berlin' },
  { q: 'Who has pets?', expect: 'elif.cats' },
  { q: 'Who can repair a bicycle?', expect: 'farid.shop' },
  { q: 'Who takes care of my teeth?', expect: 'grace.dentist' },
  { q: 'Where do I leave the car at work?', expect: 'loose.parking' },
];
