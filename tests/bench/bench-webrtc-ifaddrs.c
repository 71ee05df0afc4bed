/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * Preloaded into Janus by the forwarding benchmark (LD_PRELOAD): Janus
 * never gathers ICE candidates on an interface flagged IFF_LOOPBACK (it
 * skips them while listing the addresses for each new PeerConnection),
 * so on a machine whose only allowed network is loopback it would offer
 * none there. This getifaddrs() reports the IPv4 loopback addresses
 * without that flag; everything else, and the rest of Janus, is
 * untouched.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>

int getifaddrs (struct ifaddrs **ifap);

int
getifaddrs (struct ifaddrs **ifap)
{
  int (*real) (struct ifaddrs **) = (int (*) (struct ifaddrs **))dlsym (RTLD_NEXT, "getifaddrs");
  int rc;

  if (real == NULL)
    return -1;
  rc = real (ifap);
  if (rc != 0)
    return rc;
  for (struct ifaddrs *entry = *ifap; entry != NULL; entry = entry->ifa_next)
    if ((entry->ifa_flags & IFF_LOOPBACK) != 0 && entry->ifa_addr != NULL
        && entry->ifa_addr->sa_family == AF_INET)
      entry->ifa_flags &= ~(unsigned int)IFF_LOOPBACK;
  return rc;
}
