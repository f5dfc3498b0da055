import { z } from 'zod';

export const Role = z.enum(['host', 'moderator', 'producer', 'audience']);
export type Role = z.infer<typeof Role>;
export const StaffRole = z.enum(['host', 'moderator', 'producer']);
export type StaffRole = z.infer<typeof StaffRole>;

export const isStaff = (role: Role): role is StaffRole => role !== 'audience';
