/** Series colours per theme (SVG attributes cannot read CSS variables), chosen for contrast on each background. */
export const PALETTE = {
  light: ['#4f32e6', '#c2410c', '#047857', '#b91c1c', '#0e7490', '#a16207'],
  dark: ['#a99bff', '#fdba74', '#6ee7b7', '#fca5a5', '#67e8f9', '#fde047'],
} as const;

export const AXIS = {
  light: { grid: '#d9dce3', text: '#4b5162' },
  dark: { grid: '#343a4a', text: '#b4bac8' },
} as const;

/** Dash patterns, so series differ by more than colour. */
export const DASHES = ['', '6 3', '2 3', '10 4 2 4', '1 4', '12 3'];
