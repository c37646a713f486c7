"""shop-media: the media store, delivery specs, renditions with metadata kept, demo media.

Import from the submodules (`shop_media.render`, `shop_media.store`...). This package file
imports nothing on purpose: libvips (~16 MB), PyAV (~30 MB) and fpdf2 (~45 MB) are loaded
only by the modules, and in the processes, that use them.
"""
