// See virtio_abi.h: the values, straight from the UAPI header.
#include "virtio_abi.h"

#include <linux/virtio_net.h>

// The distribution's UAPI headers (Linux 6.1) predate these; the values are
// fixed by the virtio specification and Linux >= 6.2.
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif
#ifndef VIRTIO_NET_HDR_F_RSC_INFO
#define VIRTIO_NET_HDR_F_RSC_INFO 4
#endif

_Static_assert(sizeof(struct virtio_net_hdr) == 10, "virtio_net_hdr is 10 bytes");

const struct netloom_virtio_abi netloom_virtio = {
    .f_needs_csum = VIRTIO_NET_HDR_F_NEEDS_CSUM,
    .f_data_valid = VIRTIO_NET_HDR_F_DATA_VALID,
    .f_rsc_info = VIRTIO_NET_HDR_F_RSC_INFO,
    .gso_none = VIRTIO_NET_HDR_GSO_NONE,
    .gso_tcpv4 = VIRTIO_NET_HDR_GSO_TCPV4,
    .gso_udp = VIRTIO_NET_HDR_GSO_UDP,
    .gso_tcpv6 = VIRTIO_NET_HDR_GSO_TCPV6,
    .gso_udp_l4 = VIRTIO_NET_HDR_GSO_UDP_L4,
    .gso_ecn = VIRTIO_NET_HDR_GSO_ECN,
    .hdr_size = sizeof(struct virtio_net_hdr),
    .hdr_mrg_size = sizeof(struct virtio_net_hdr_mrg_rxbuf),
};
