/** Word-cloud key: trimmed, lower case, inner whitespace collapsed ("Big  Data" = "big data"). One place: the reducer and the phone's own ballot agree. */
export const normaliseWord = (text: string): string => text.trim().toLowerCase().replace(/\s+/g, ' ');
