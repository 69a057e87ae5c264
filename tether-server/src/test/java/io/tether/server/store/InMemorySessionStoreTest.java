package io.tether.server.store;

/** The store contract, in memory. */
class InMemorySessionStoreTest extends SessionStoreContract {
    @Override
    protected SessionStore newStore() {
        return new InMemorySessionStore();
    }
}
