/** The organisation (town hall) the app is serving, loaded once by the layout. */
import { createContext, useContext } from 'react';
import type { OrganisationView } from '../api/types.ts';

/** Context holding the organisation once loaded. */
export const OrganisationContext = createContext<OrganisationView | null>(null);

/** The current organisation; only valid below the root layout, which renders children once it is loaded. */
export function useOrganisation(): OrganisationView {
  const organisation = useContext(OrganisationContext);
  if (!organisation) throw new Error('useOrganisation() used outside the root layout');
  return organisation;
}
