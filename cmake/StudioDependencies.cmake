# Everything comes from Debian packages (see scripts/setup.sh).
find_package(Torch REQUIRED)
find_package(Qt6 REQUIRED COMPONENTS Core Sql Gui Widgets Charts Svg Concurrent Test)
find_package(ZLIB REQUIRED)

# Debian's split OpenCV -dev packages (core, imgproc) ship no CMake config: locate them directly.
find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
find_library(OPENCV_CORE_LIB opencv_core REQUIRED)
find_library(OPENCV_IMGPROC_LIB opencv_imgproc REQUIRED)
add_library(studio_opencv INTERFACE)
target_include_directories(studio_opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})
target_link_libraries(studio_opencv INTERFACE ${OPENCV_IMGPROC_LIB} ${OPENCV_CORE_LIB})
# OpenCV's DNN module runs exported ONNX files (predict --onnx, the export tests).
find_library(OPENCV_DNN_LIB opencv_dnn REQUIRED)

# ONNX export: libonnx-dev's protobuf classes (its targets name protobuf::libprotobuf).
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED) # Debian names its target `onnx` (no ONNX:: namespace)

# LibTorch's config exports flags as variables; wrap them in one interface target.
add_library(studio_torch INTERFACE)
target_include_directories(studio_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_link_libraries(studio_torch INTERFACE ${TORCH_LIBRARIES})
