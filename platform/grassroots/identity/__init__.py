"""identity module: the tenant's register of professionals, with resident ID numbers checked (GB 11643),
encrypted at rest, masked on screen, found by a keyed hash, and every unmasked view audited."""
