// The English the matcher needs to tell an evasion from an innocent word (rules.ts). Lower case, folded.

/** Endings a listed term may take and still be the term (`murderers`, `fucking`, `raped`, `bitchy`). */
export const SUFFIXES = new Set([
  's', 'es', 'ed', 'd', 'er', 'ers', 'ing', 'ings', 'in', 'ist', 'ists', 'ism', 'isms', 'y', 'ies', 'ied', 'ier',
  'iest', 'ish', 'ous', 'ly', 'est', 'ness', 'ic', 'al',
]);

/** Endings that replace a term's final e (`raping`, `torturous`, `massacred`). */
export const E_DROP_SUFFIXES = new Set(['ed', 'er', 'ers', 'ing', 'ings', 'in', 'ist', 'ists', 'ism', 'y', 'ous', 'ous']);

/** Words that make a compound with a listed term in front (`pornstar`, `sextape`, `fuckface`). */
export const COMPOUND_TAILS = new Set([
  'star', 'bot', 'video', 'vid', 'site', 'pic', 'tube', 'hub', 'cam', 'chat', 'show', 'movie', 'film', 'mag', 'shop',
  'toy', 'doll', 'party', 'slave', 'face', 'head', 'hole', 'bag', 'lord', 'fest', 'fiend', 'addict', 'scene', 'game',
  'gang', 'squad', 'talk', 'tape', 'house', 'ring', 'club', 'worker', 'pig', 'boy', 'girl', 'wad', 'stick', 'job',
  'fuck', 'sex', 'porn', 'slut', 'whore', 'bitch', 'cunt',
]);

/** Words that make a compound with a listed term behind (`neonazi`, `softporn`, `motherfucker`). */
export const COMPOUND_HEADS = new Set([
  'neo', 'hard', 'soft', 'hot', 'super', 'mega', 'ultra', 'cyber', 'child', 'kid', 'teen', 'baby', 'gang', 'group',
  'mother', 'brother', 'sister', 'father', 'granny', 'revenge', 'deep', 'live', 'free', 'amateur', 'real', 'phone',
  'web', 'cam', 'gay', 'fat', 'dumb', 'stupid', 'little', 'big', 'mind', 'cluster', 'clusterf', 'dog', 'pig',
  'fuck', 'sex', 'porn', 'slut', 'whore', 'bitch', 'cunt',
]);

/**
 * Common words: a term spelled across a space (`mur der`) counts only when its pieces are not all ordinary
 * words, so "a pen is on the desk" and "be head of" stay clean.
 */
export const COMMON_WORDS = new Set(`
a i an as at be by do go he if in is it me my no of on or so to up us we am ox ah oh hi re ye yo ok
the and for are but not you all any can had her was one our out day get has him his how man new now old see two
way who boy did its let put say she too use pen mass acre head tort ore ape rap pe ra ion ire horn tit
ana pro self your yours myself yourself them they this that with from have will what when where which while
kill die fire cut hang end my life wrist wrists slit slits go ass hole cock dick tail stab bit bin
be head heads bead beads hell ring rings mole molest est st rest test best less lest gasm organ or am on
them all his her its into onto over under about after before again here there then than these those some
more most much many such only own same also very just even back well way ways new good great little big long
high small large next early young important public bad able last late hard major better free whole real
sure full low easy red blue green black white gold old cat cats dog dogs fish bird birds tree trees sea sun
moon star stars rain snow wind land sand rock stone hill park road town city home house room door wall
book books art song songs play game team band show film time year week night morning evening
cook cake tea pie jam pan pot cup bread rice corn bean beans nut nuts egg eggs ham meat milk salt
bit chic chest only fan fans wet back towel rag station who yes hen thin hand job sub human blood bath strip
tease blow lest sing sings sin tin test tied ties headed heading headings
`.trim().split(/\s+/));

/** Innocent words that hold a listed term whole (the Scunthorpe problem): never matched. */
export const ALLOWED_WORDS = new Set([
  'rapper', 'rappers', 'rapeseed', 'rapeseeds', 'penistone', 'sexism', 'sexist', 'sexists', 'sexton', 'sextons',
  'sextant', 'sextants', 'sextet', 'sextets', 'homosexual', 'homosexuals', 'heterosexual', 'bisexual', 'asexual',
  'pansexual', 'unisex', 'middlesex', 'sussex', 'essex', 'wessex', 'scunthorpe', 'therapist', 'therapists',
  'grape', 'grapes', 'drape', 'drapes', 'scrape', 'scrapes', 'trapeze', 'titsey', 'bitche', 'cumming',
  'retarder', 'retarders', 'retarding', 'retardant', 'retardants', 'goodie', 'goodies', 'goodier', 'hornyhead',
  'hornyheads',
]);

/** Innocent phrases that hold a listed term (birds are tits): never matched inside them. */
export const ALLOWED_PHRASES = [
  'blue tits', 'great tits', 'coal tits', 'marsh tits', 'willow tits', 'crested tits', 'long tailed tits',
  'bearded tits', 'penduline tits',
];
