export { loadImageFile, listImageFiles, IMAGE_EXTENSIONS, type ImageFileList } from './image-file.js';
