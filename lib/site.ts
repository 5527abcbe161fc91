/** Site-wide names and copy, in one place for the header, metadata and home page. */
export const site = {
  name: 'Docker Survival Lab',
  shortName: 'Survival Lab',
  description:
    'A Docker survival guide you can practise in: read a chapter, click Run, and type real docker commands in your own locked-down container.',
} as const;
