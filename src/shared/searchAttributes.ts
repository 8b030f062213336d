// The search attributes that make channels listable from Temporal visibility (`webtv channel list`,
// the Web UI's filters). Pure: the workflow bundle imports it. Register them once per namespace:
//   temporal operator search-attribute create --name WebtvChannel --type Keyword --name WebtvChannelState --type Keyword
// (the embedded dev server registers them itself, see src/servers/temporalDevServer.ts).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const channelNameKey = defineSearchAttributeKey('WebtvChannel', SearchAttributeType.KEYWORD);
/** 'on air' | 'paused' | 'stopped' */
export const channelStateKey = defineSearchAttributeKey('WebtvChannelState', SearchAttributeType.KEYWORD);

export const CHANNEL_SEARCH_ATTRIBUTES = [channelNameKey.name, channelStateKey.name] as const;

export type ChannelRunState = 'on air' | 'paused' | 'stopped';

/** The flags `temporal server start-dev` takes to register them. */
export const devServerSearchAttributeFlags = CHANNEL_SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]);

export const registerSearchAttributesCommand =
  `temporal operator search-attribute create ${CHANNEL_SEARCH_ATTRIBUTES.map((n) => `--name ${n} --type Keyword`).join(' ')}`;
