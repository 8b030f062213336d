// The local rules shipped with the channel: whole words and phrases per category, matched after folding
// (see normalize.ts), on word boundaries, with a plural "s" accepted. Deliberately conservative: a word with
// a common innocent sense ("gore" as in Al Gore, "naked" as in naked mole-rat, "cock", "dick", "pussy",
// "chink", "execution") is left to the moderation endpoint, which reads context. Extend with WEBTV_BLOCKLIST.
export const CATEGORIES = ['sexual', 'hate', 'violence', 'self-harm', 'harassment'] as const;
export type LocalCategory = (typeof CATEGORIES)[number];

export const SHIPPED_TERMS: Record<LocalCategory, string[]> = {
  sexual: [
    'sex', 'sexual', 'sexy', 'porn', 'porno', 'pornography', 'pornographic', 'nudes', 'nudity', 'hentai', 'xxx',
    'nsfw', 'blowjob', 'handjob', 'orgasm', 'erotic', 'erotica', 'fetish', 'bdsm', 'striptease', 'stripper',
    'genitals', 'penis', 'vagina', 'boobs', 'tits', 'masturbate', 'masturbating', 'masturbation', 'horny',
    'onlyfans', 'incest', 'pedophile', 'paedophile', 'pedophilia', 'paedophilia', 'child porn', 'molest',
    'molested', 'molester', 'molestation', 'rape', 'raped', 'raping', 'rapist', 'slut', 'whore',
  ],
  hate: [
    'nazi', 'neo nazi', 'heil hitler', 'sieg heil', 'white power', 'white supremacy', 'white supremacist',
    'master race', 'kkk', 'ku klux klan', 'ethnic cleansing', 'untermensch', 'subhuman', 'gas the jews',
    'nigger', 'nigga', 'faggot', 'kike', 'wetback', 'tranny', 'raghead', 'towelhead', 'sandnigger',
  ],
  violence: [
    'murder', 'murdered', 'murdering', 'murderer', 'massacre', 'massacred', 'behead', 'beheaded', 'beheading',
    'decapitate', 'decapitated', 'decapitation', 'dismember', 'dismembered', 'dismemberment', 'mutilate',
    'mutilated', 'mutilation', 'torture', 'tortured', 'torturing', 'bloodbath', 'genocide', 'lynching',
    'stabbing', 'mass shooting', 'school shooting', 'shooting spree', 'killing spree', 'kill them all',
    'bomb making', 'make a bomb', 'terrorist attack', 'gory', 'disembowel', 'disemboweled',
  ],
  'self-harm': [
    'suicide', 'suicidal', 'self harm', 'self harming', 'kill myself', 'killing myself', 'cut myself',
    'cutting myself', 'hang myself', 'slit my wrists', 'slit wrists', 'pro ana', 'thinspiration',
    'end my life',
  ],
  harassment: [
    'kill yourself', 'kill your self', 'kys', 'go die', 'die in a fire', 'you are worthless', 'retard', 'retarded',
    'fuck', 'fucking', 'fucker', 'motherfucker', 'fuck you', 'cunt', 'bitch', 'doxx', 'doxxed', 'doxxing',
  ],
};
