// The virtio_net_hdr values netloom needs, taken from <linux/virtio_net.h>.
// That header cannot be included from C++ (a member of one of its structs
// is named `class`), so virtio_abi.c, plain C, includes it and exports the
// values; no number is restated by hand.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct netloom_virtio_abi {
  uint8_t f_needs_csum;   // VIRTIO_NET_HDR_F_NEEDS_CSUM
  uint8_t f_data_valid;   // VIRTIO_NET_HDR_F_DATA_VALID
  uint8_t f_rsc_info;     // VIRTIO_NET_HDR_F_RSC_INFO
  uint8_t gso_none;       // VIRTIO_NET_HDR_GSO_NONE
  uint8_t gso_tcpv4;      // VIRTIO_NET_HDR_GSO_TCPV4
  uint8_t gso_udp;        // VIRTIO_NET_HDR_GSO_UDP (UFO)
  uint8_t gso_tcpv6;      // VIRTIO_NET_HDR_GSO_TCPV6
  uint8_t gso_udp_l4;     // VIRTIO_NET_HDR_GSO_UDP_L4 (USO)
  uint8_t gso_ecn;        // VIRTIO_NET_HDR_GSO_ECN
  uint8_t hdr_size;       // sizeof(struct virtio_net_hdr)
  uint8_t hdr_mrg_size;   // sizeof(struct virtio_net_hdr_mrg_rxbuf)
};

extern const struct netloom_virtio_abi netloom_virtio;

#ifdef __cplusplus
}
#endif
