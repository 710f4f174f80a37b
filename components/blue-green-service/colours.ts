/** The two colours of a blue/green service. */
export const COLOURS = ["blue", "green"] as const;
export type Colour = (typeof COLOURS)[number];
