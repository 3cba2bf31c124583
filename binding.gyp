{
  "targets": [
    {
      "target_name": "netloom",
      "sources": [
        "native/addon.cc",
        "native/constants.cc",
        "native/ct_napi.cc",
        "native/ct_tables.cc",
        "native/errors.cc",
        "native/fd_poll.cc",
        "native/file_lock.cc",
        "native/fresh_thread.cc",
        "native/genl_codec.cc",
        "native/genl_tables.cc",
        "native/netns.cc",
        "native/netns_run.cc",
        "native/nfnl_codec.cc",
        "native/nft_bulk.cc",
        "native/nft_codec.cc",
        "native/nft_napi.cc",
        "native/nft_set_tables.cc",
        "native/nft_tables.cc",
        "native/nl_batch.cc",
        "native/nl_codec.cc",
        "native/nl_sender.cc",
        "native/nl_socket.cc",
        "native/nl_socket_replies.cc",
        "native/ping.cc",
        "native/rtnl_codec.cc",
        "native/rtnl_napi.cc",
        "native/rtnl_tables.cc",
        "native/rtnl_text.cc",
        "native/slab_pool.cc",
        "native/sockaddr_codec.cc",
        "native/tape_sink.cc",
        "native/keep_filter.cc",
        "native/tun_ioctl.cc",
        "native/tun_open.cc",
        "native/tun_queue.cc",
        "native/tun_queue_io.cc",
        "native/tun_writer.cc",
        "native/virtio_abi.c",
        "native/vnet.cc",
        "native/vnet_napi.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native"
      ],
      "defines": [
        "NAPI_VERSION=9",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "cflags!": [
        "-fno-exceptions"
      ],
      "cflags_cc!": [
        "-fno-exceptions",
        "-std=gnu++17"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-fexceptions",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-Wno-missing-field-initializers"
      ],
      "cflags": [
        "-Wall",
        "-Wextra",
        "-Werror"
      ]
    },
    {
      "target_name": "netloom-nsexec",
      "type": "executable",
      "sources": [
        "native/nsexec_main.cc",
        "native/nsexec_setup.cc"
      ],
      "cflags_cc!": [
        "-std=gnu++17"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-fno-exceptions",
        "-fno-rtti",
        "-ffunction-sections",
        "-fdata-sections",
        "-Wall",
        "-Wextra",
        "-Werror"
      ],
      "ldflags!": [
        "-rdynamic"
      ],
      "ldflags": [
        "-static-libstdc++",
        "-static-libgcc",
        "-Wl,--gc-sections,--as-needed"
      ]
    },
    {
      "target_name": "netloom-cni-shim",
      "type": "executable",
      "sources": [
        "native/cni_shim_main.cc"
      ],
      "cflags_cc!": [
        "-std=gnu++17"
      ],
      "cflags_cc": [
        "-std=c++17",
        "-fno-exceptions",
        "-fno-rtti",
        "-Wall",
        "-Wextra",
        "-Werror"
      ],
      "ldflags": [
        "-Wl,--as-needed"
      ]
    }
  ]
}
