/*
 * First names from many languages that stand in the command grammar beside the
 * names in memory. Without them a grammar of four names maps any name it hears
 * onto one of those four: measured with eSpeak NG, "where did I meet Fatima /
 * Kenji / Olga / Siobhan" came out as Ana, Ana, Tom and Bob, all people in
 * memory. With decoys, an unknown name lands on a decoy (Dan, Paul, Leo, Juan),
 * which memory does not know, so the answer is "I don't know anyone by that name"
 * rather than someone else's encounter. Decoys that sound like a name in memory
 * are left out (see PocketSphinxStt), so they never steal a real name.
 */
export const DECOY_NAMES = (
  'aaron adam ahmed aisha akira alan albert ali alice amir amy andrea andrew angela anita anton arjun arthur ava ' +
  'barbara brian bruce carl carmen carol chen chloe claire clara colin daniel deepak diana diego dmitri elena eli ' +
  'elias emily eric felix fiona frank george grace hans harry helen henry hiro hugo ian igor irene isaac ivan jack ' +
  'jacob jason jenny jin joe jorge julian karen karim kevin kim linda luca lucas luis martin maya mei miguel nadia ' +
  'noah olga omar oscar pedro priya rachel rahul raj ravi rosa ruth ryan sean simon sofia sophie steve susan tanya ' +
  'thomas victor vincent wei william yuki yusuf zara'
).split(' ');
