import type { IntentName } from './types.js';

/*
 * Seed examples of the nearest-example classifier, the fallback after the rules.
 * `{name}` stands for a person and is filled with one neutral name, the same one
 * that replaces names found in the wearer's question, so names do not pull the
 * embedding. The wearer's own confirmed phrasings are added to these (learned.ts).
 * "fallback" examples are questions that belong to the personal model.
 */
export const SEED_EXAMPLES: Record<IntentName, string[]> = {
  'who-is-this': [
    'who is this',
    'who am I looking at',
    'who is standing in front of me',
    'who is the person I am talking to',
    'do I know this person',
    'what is this person called',
    'have we met before',
    'tell me who this is',
    'is this someone I know',
    'who is she',
    'who is he',
    'what was his name',
    'name of the person in front of me',
  ],
  'where-met': [
    'where did I meet {name}',
    'where did I first meet {name}',
    'how do I know {name}',
    'where do I know {name} from',
    'where did {name} and I meet',
    'how did I first come across {name}',
    'where was I when I met {name}',
    'at which event did I meet {name}',
    'when did I first meet {name}',
  ],
  'last-seen': [
    'when did I last see {name}',
    'when was the last time I saw {name}',
    'how long since I saw {name}',
    'when did I see {name} most recently',
    'have I seen {name} lately',
    'last time I met {name}',
    'when did {name} and I last meet up',
  ],
  'what-know': [
    'what do I know about {name}',
    'tell me about {name}',
    'who is {name}',
    'what do you remember about {name}',
    'give me some background on {name}',
    'what have I noted about {name}',
    'remind me about {name}',
    'anything I should know about {name}',
    'what does {name} do',
  ],
  remember: [
    'remember that {name} has a daughter',
    'remember that she likes jazz',
    'note that {name} is vegetarian',
    'make a note that he moved to Berlin',
    'keep in mind that {name} works at the hospital',
    'save this: {name} plays tennis',
    'do not forget that her birthday is in June',
  ],
  enroll: [
    'this is {name}',
    'this is {name}, he runs the bakery',
    'meet {name}',
    'her name is {name}',
    'his name is {name}',
    'I would like you to meet {name}',
    'say hello to {name}',
    'I am talking to {name}',
    'let me introduce {name}',
  ],
  forget: ['forget {name}', 'delete {name}', 'erase everything about {name}', 'remove {name} from memory', 'wipe {name} from your memory'],
  confirm: ['yes', 'yes please', 'go ahead', 'sure, do it', 'that is right', 'correct'],
  deny: ['no', 'no thanks', 'cancel', 'never mind', 'do not do that', 'stop'],
  'pair-phone': [
    'pair my phone',
    'connect my phone',
    'pair a new phone',
    'link my mobile',
    'I want to set up my phone',
    'show me a pairing code',
  ],
  'unpair-phones': ['unpair all phones', 'disconnect all my phones', 'remove every paired phone', 'revoke all phones'],
  repeat: ['repeat that', 'say that again', 'what did you say', 'I did not hear you', 'come again', 'one more time please', 'pardon'],
  louder: ['louder', 'speak up', 'turn the volume up', 'I cannot hear you', 'increase the volume', 'you are too quiet'],
  quieter: ['quieter', 'turn the volume down', 'too loud', 'speak more softly', 'lower the volume', 'you are too loud'],
  shorter: ['shorter', 'shorter answers', 'be brief', 'keep it short', 'less detail', 'your answers are too long', 'just the basics'],
  'more-detail': ['more detail', 'tell me more', 'longer answers', 'be more detailed', 'give me more information', 'elaborate'],
  fallback: [
    'what is the weather like',
    'what time is it',
    'set a timer for five minutes',
    'play some music',
    'how many people did I meet this week',
    'who works on robots',
    'what should I eat for dinner',
    'what day is it today',
    'how far is the station',
    'who did I meet at the conference',
    'what did we talk about yesterday',
    'stop talking',
    'thank you',
    'hello there',
    'good night',
  ],
};

/** The neutral name used in examples and in place of names found in questions. */
export const PLACEHOLDER_NAME = 'Alex';
