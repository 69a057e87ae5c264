/** Test support shared by the modules' tests: fault proxy, raw WebSocket peer. Test scope only. */
package io.tether.testkit;
