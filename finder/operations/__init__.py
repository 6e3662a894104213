"""Every change to the stored data goes through here, one transaction each with its audit entry: the catalogue, accounts, the outbox, short links, backup and restore. The only writers."""
